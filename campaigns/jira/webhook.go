package jira

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/lineagehq/lineage"
)

// maxWebhookBody bounds a webhook payload; Jira's issue events are far smaller.
const maxWebhookBody = 1 << 20

// StatusFunc receives a ticket's new status from a webhook. campaignID is
// the campaign named by the ticket's labels ("" when none is readable).
// campaigns.Service.TicketChanged has this signature. An ENOTFOUND error
// means the ticket is not one of ours and is ignored.
type StatusFunc func(ctx context.Context, campaignID, key string, status lineage.TicketStatus) error

// Webhook is the http.Handler for Jira's issue webhooks, mounted at
// POST /hooks/jira.
//
// Every request must prove it knows the shared secret, in one of two ways:
// the X-Hub-Signature header Jira Cloud sends for webhooks registered with a
// secret ("sha256=" and the hex HMAC-SHA256 of the body), or, for Jira
// versions that cannot sign, the secret itself in the "secret" query
// parameter or the X-Lineage-Secret header of the URL Jira is given.
type Webhook struct {
	secret   []byte
	onStatus StatusFunc
	// Logger logs rejected payloads and callback failures; nil discards.
	Logger *slog.Logger
}

// NewWebhook returns a webhook handler. The secret is required (EINVALID
// naming "jira.webhookSecret" otherwise), and so is onStatus.
func NewWebhook(secret string, onStatus StatusFunc) (*Webhook, error) {
	if strings.TrimSpace(secret) == "" {
		return nil, lineage.FieldErrorf("jira.webhookSecret", "must be set: Jira webhooks are accepted only with a shared secret")
	}
	if len(secret) < 16 {
		return nil, lineage.FieldErrorf("jira.webhookSecret", "must be at least 16 characters long, got %d", len(secret))
	}
	if onStatus == nil {
		return nil, lineage.FieldErrorf("onStatus", "must not be nil")
	}
	return &Webhook{secret: []byte(secret), onStatus: onStatus}, nil
}

// webhookEvent is the part of Jira's issue webhook payload we read.
type webhookEvent struct {
	WebhookEvent string `json:"webhookEvent"`
	Issue        *struct {
		Key    string `json:"key"`
		Fields *struct {
			Labels []string `json:"labels"`
			Status *struct {
				StatusCategory *struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"status"`
		} `json:"fields"`
	} `json:"issue"`
}

// ServeHTTP implements http.Handler. Answers: 204 when the change was
// applied or concerns no campaign, 400 for a malformed payload, 401 for a
// missing or wrong secret, 405 for anything but POST, 413 for an oversized
// body, 503 when the change could not be stored (Jira retries).
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Only POST is accepted.", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil {
		http.Error(w, "The body could not be read.", http.StatusBadRequest)
		return
	}
	if len(body) > maxWebhookBody {
		http.Error(w, "The body is larger than 1 MiB.", http.StatusRequestEntityTooLarge)
		return
	}
	if !h.authentic(r, body) {
		h.log("jira webhook: rejected: bad or missing secret", "remote", r.RemoteAddr)
		http.Error(w, "The webhook secret is missing or wrong.", http.StatusUnauthorized)
		return
	}
	key, status, campaignID, err := parseWebhook(body)
	if err != nil {
		h.log("jira webhook: rejected payload", "err", err)
		http.Error(w, "Bad payload: "+err.Error()+".", http.StatusBadRequest)
		return
	}
	if key == "" { // an event we do not follow
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx := lineage.WithActor(r.Context(), "jira")
	if err := h.onStatus(ctx, campaignID, key, status); err != nil {
		if lineage.ErrorCode(err) == lineage.ENOTFOUND {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.log("jira webhook: status change not stored", "key", key, "err", err)
		http.Error(w, "The change could not be stored; retry later.", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// authentic checks the signature or the secret.
func (h *Webhook) authentic(r *http.Request, body []byte) bool {
	if sig := r.Header.Get("X-Hub-Signature"); sig != "" {
		hexSig, ok := strings.CutPrefix(sig, "sha256=")
		if !ok {
			return false
		}
		got, err := hex.DecodeString(hexSig)
		if err != nil {
			return false
		}
		mac := hmac.New(sha256.New, h.secret)
		mac.Write(body)
		return hmac.Equal(got, mac.Sum(nil))
	}
	given := r.Header.Get("X-Lineage-Secret")
	if given == "" {
		given = r.URL.Query().Get("secret")
	}
	return given != "" && subtle.ConstantTimeCompare([]byte(given), h.secret) == 1
}

// parseWebhook reads an issue webhook. It returns an empty key (and no
// error) for events that carry no status, such as comment events, and for
// issues that are not lineage tickets.
func parseWebhook(body []byte) (key string, status lineage.TicketStatus, campaignID string, err error) {
	var ev webhookEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&ev); err != nil {
		return "", "", "", fmt.Errorf("payload is not JSON: %v", err)
	}
	if dec.More() {
		return "", "", "", errors.New("payload has data after its JSON object")
	}
	if ev.WebhookEvent == "" {
		return "", "", "", errors.New("payload has no webhookEvent")
	}
	switch ev.WebhookEvent {
	case "jira:issue_created", "jira:issue_updated":
	default:
		return "", "", "", nil
	}
	if ev.Issue == nil || strings.TrimSpace(ev.Issue.Key) == "" {
		return "", "", "", errors.New("payload has no issue.key")
	}
	f := ev.Issue.Fields
	if f == nil || f.Status == nil || f.Status.StatusCategory == nil || f.Status.StatusCategory.Key == "" {
		return "", "", "", errors.New("payload has no issue.fields.status.statusCategory.key")
	}
	switch cat := f.Status.StatusCategory.Key; cat {
	case "new", "indeterminate", "done", "undefined":
		status = StatusFromCategory(cat)
	default:
		return "", "", "", fmt.Errorf("payload status category %q is not one of new, indeterminate, done", cat)
	}
	isOurs := false
	for _, l := range f.Labels {
		if strings.HasPrefix(l, campaignLabelPrefix) {
			isOurs = true
		}
	}
	if !isOurs {
		return "", "", "", nil
	}
	return ev.Issue.Key, status, CampaignFromLabels(f.Labels), nil
}

func (h *Webhook) log(msg string, args ...any) {
	if h.Logger != nil {
		h.Logger.Warn(msg, args...)
	}
}
