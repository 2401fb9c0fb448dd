package lineage.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Main starts Neo4j Community embedded for tests: Bolt on 127.0.0.1 at a free
 * port (or --port), authentication disabled, data in a temporary directory
 * that is deleted on stop (or in --data, which is kept, so that a test can stop
 * the server and start it again on the same port and data).
 *
 * <p>When the default database is available it prints one line on stdout,
 * {@code NEO4J_URI=bolt://127.0.0.1:PORT}, and then waits. It stops cleanly on
 * SIGTERM or SIGINT, and also when stdin closes if --stdin is given (so a
 * parent that dies takes it along). Everything else goes to stderr.
 *
 * <p>Options: --port N, --data DIR, --pagecache SIZE_MB, --stdin.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path data = null;
        long pagecacheMB = 256;
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, a));
                case "--data" -> data = Paths.get(value(args, ++i, a)).toAbsolutePath();
                case "--pagecache" -> pagecacheMB = Long.parseLong(value(args, ++i, a));
                case "--stdin" -> watchStdin = true;
                case "-h", "--help" -> {
                    System.err.println("usage: neo4j-testserver [--port N] [--data DIR] [--pagecache MB] [--stdin]");
                    return;
                }
                default -> {
                    System.err.println("neo4j-testserver: unknown option " + a);
                    System.exit(2);
                }
            }
        }
        if (port < 0 || port > 65535) {
            System.err.println("neo4j-testserver: --port must be between 0 and 65535, got " + port);
            System.exit(2);
        }
        if (port == 0) {
            port = freePort();
        }
        boolean temporary = data == null;
        Path home = temporary ? Files.createTempDirectory("neo4j-testserver-") : data;
        Files.createDirectories(home);

        long start = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMB))
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("neo4j-testserver: stopping");
            try {
                dbms.shutdown();
            } catch (RuntimeException e) {
                System.err.println("neo4j-testserver: shutdown: " + e);
            }
            if (temporary) {
                deleteTree(home);
            }
            stopped.countDown();
        }, "neo4j-testserver-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(2).toMillis())) {
            System.err.println("neo4j-testserver: database did not become available within 2 minutes");
            System.exit(1);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.err.printf("neo4j-testserver: Neo4j ready in %d ms, home %s%n", ms, home);
        PrintStream out = System.out;
        out.println("NEO4J_URI=bolt://127.0.0.1:" + port);
        out.flush();

        if (watchStdin) {
            Thread t = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // Ignore input; only its end matters.
                    }
                } catch (IOException e) {
                    // A broken stdin counts as closed.
                }
                System.err.println("neo4j-testserver: stdin closed");
                System.exit(0);
            }, "neo4j-testserver-stdin");
            t.setDaemon(true);
            t.start();
        }
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("neo4j-testserver: " + option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-testserver: could not delete " + root + ": " + e);
        }
    }
}
