package sqlite

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/lineagehq/lineage"
)

// checkWAL reads the write-ahead log beside path, if there is one, before
// SQLite opens it. SQLite replays the log up to the first frame whose
// checksum fails and silently drops the rest, so one damaged frame loses
// every transaction committed after it, acknowledged or not, and
// quick_check then passes. checkWAL finds commit frames of the log's
// current generation (same salts) after such a frame and refuses the
// store, naming what would be lost. A torn last transaction (a crash in
// mid-write) has no commit frame after the damage and is not reported: it
// was never acknowledged.
//
// The format is SQLite's (https://www.sqlite.org/fileformat.html#the_write_ahead_log):
// a 32-byte header (magic, version, page size, checkpoint sequence, two
// salts, a checksum of the first 24 bytes), then frames of a 24-byte header
// (page number, database size for a commit frame or 0, the two salts, a
// running checksum) and one page.
func checkWAL(path string) error {
	wal := path + "-wal"
	f, err := os.Open(wal)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return lineage.WrapError(lineage.EINVALID, err, "Cannot read the write-ahead log %s; check its permissions.", wal)
	}
	defer f.Close()
	var hdr [32]byte
	n, err := io.ReadFull(f, hdr[:])
	if n == 0 {
		return nil // empty: a clean shutdown
	}
	if err != nil {
		return walDamaged(path, "its header is cut short (%d bytes)", n)
	}
	magic := binary.BigEndian.Uint32(hdr[0:])
	if magic != 0x377f0682 && magic != 0x377f0683 {
		return walDamaged(path, "its header does not start with the WAL magic number, so SQLite would ignore all of it")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if magic&1 == 1 {
		order = binary.BigEndian
	}
	pageSize := int(binary.BigEndian.Uint32(hdr[8:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return walDamaged(path, "its header names a page size of %d", pageSize)
	}
	s0, s1 := walChecksum(order, hdr[:24], 0, 0)
	if s0 != binary.BigEndian.Uint32(hdr[24:]) || s1 != binary.BigEndian.Uint32(hdr[28:]) {
		return walDamaged(path, "its header checksum fails, so SQLite would ignore all of it")
	}
	salt1, salt2 := binary.BigEndian.Uint32(hdr[16:]), binary.BigEndian.Uint32(hdr[20:])

	frame := make([]byte, 24+pageSize)
	badAt := 0 // 1-based number of the first damaged frame, 0 for none
	lost := 0  // commit frames of this generation after it
	for i := 1; ; i++ {
		if _, err := io.ReadFull(f, frame); err != nil {
			break // the end, or a frame cut short: a torn last write
		}
		if binary.BigEndian.Uint32(frame[8:]) != salt1 || binary.BigEndian.Uint32(frame[12:]) != salt2 {
			if badAt == 0 {
				// A frame of an earlier generation: the log ends here for
				// SQLite, as it should.
				break
			}
			continue
		}
		commit := binary.BigEndian.Uint32(frame[4:]) != 0
		if badAt != 0 {
			if commit {
				lost++
			}
			continue
		}
		c0, c1 := walChecksum(order, frame[:8], s0, s1)
		c0, c1 = walChecksum(order, frame[24:], c0, c1)
		if c0 != binary.BigEndian.Uint32(frame[16:]) || c1 != binary.BigEndian.Uint32(frame[20:]) {
			badAt = i
			continue
		}
		s0, s1 = c0, c1
	}
	if lost > 0 {
		return walDamaged(path, "frame %d fails its checksum and %d committed transaction(s) follow it, which SQLite would drop without a word", badAt, lost)
	}
	return nil
}

// walChecksum continues SQLite's WAL checksum over b (a multiple of 8 bytes).
func walChecksum(order binary.ByteOrder, b []byte, s0, s1 uint32) (uint32, uint32) {
	for i := 0; i+8 <= len(b); i += 8 {
		s0 += order.Uint32(b[i:]) + s1
		s1 += order.Uint32(b[i+4:]) + s0
	}
	return s0, s1
}

func walDamaged(path, format string, args ...any) error {
	return lineage.Errorf(lineage.EINVALID, "The write-ahead log %[1]s-wal of the SQLite database is damaged: %[2]s. lineage will not open the store, since opening it would drop that part of the log for good. Keep a copy of %[1]s and %[1]s-wal; then, to keep what comes before the damage and accept the loss, run sqlite3 %[1]s 'PRAGMA wal_checkpoint(TRUNCATE)' and start lineage again, or restore %[1]s from a backup.",
		path, fmt.Sprintf(format, args...))
}
