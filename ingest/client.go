package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lineagehq/lineage"
)

// Client talks to a lineage server's push API (NewHandler), for
// `lineage ingest --server URL`.
type Client struct {
	// BaseURL is the server's address, such as https://lineage.example.com.
	BaseURL string
	// Token is the bearer token; mutations need one.
	Token string
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
}

// APIError is an error answer of the server.
type APIError struct {
	Status       int
	Code         string
	Message      string
	Field        string
	Line, Column int
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// Unwrap exposes the code as a *lineage.Error, so lineage.ErrorCode works.
func (e *APIError) Unwrap() error {
	return &lineage.Error{Code: e.Code, Field: e.Field, Message: e.Message}
}

// Push sends one job to be parsed and stored.
func (c *Client) Push(ctx context.Context, req PushRequest) (*PushResponse, error) {
	var res PushResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/jobs", req, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Delete removes one job. Errors: ENOTFOUND, and those of the server.
func (c *Client) Delete(ctx context.Context, id string) error {
	segs := strings.Split(id, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return c.do(ctx, http.MethodDelete, "/api/v1/jobs/"+strings.Join(segs, "/"), nil, nil)
}

// PutOwners creates or updates owners' details.
func (c *Client) PutOwners(ctx context.Context, owners []lineage.Owner) error {
	return c.do(ctx, http.MethodPost, "/api/v1/owners", owners, nil)
}

// Hashes returns the id → content hash of every job of source on the server.
func (c *Client) Hashes(ctx context.Context, source string) (map[string]string, error) {
	m := map[string]string{}
	after := ""
	for {
		q := url.Values{"source": {source}, "first": {strconv.Itoa(lineage.MaxPage)}}
		if after != "" {
			q.Set("after", after)
		}
		var page lineage.JobPage
		if err := c.do(ctx, http.MethodGet, "/api/v1/jobs?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		for _, j := range page.Jobs {
			if j.Source == source {
				m[j.ID] = j.Hash
			}
		}
		if !page.HasNext || page.EndCursor == "" {
			return m, nil
		}
		after = page.EndCursor
	}
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("ingest: encode request: %w", err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return lineage.WrapError(lineage.EINVALID, err, "The server address %q is not a URL.", c.BaseURL)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "Cannot reach the server at %s.", c.BaseURL)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return lineage.WrapError(lineage.EUNAVAILABLE, err, "Cannot read the server's answer.")
	}
	if resp.StatusCode >= 300 {
		ae := &APIError{Status: resp.StatusCode, Code: lineage.EINTERNAL, Message: strings.TrimSpace(string(data))}
		var eb errorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			ae.Code, ae.Message, ae.Field, ae.Line, ae.Column = eb.Error.Code, eb.Error.Message, eb.Error.Field, eb.Error.Line, eb.Error.Column
		} else {
			switch resp.StatusCode {
			case http.StatusUnauthorized, http.StatusForbidden:
				ae.Code = lineage.EUNAUTHORIZED
			case http.StatusNotFound:
				ae.Code = lineage.ENOTFOUND
			case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
				ae.Code = lineage.EUNAVAILABLE
			}
			if len(ae.Message) > 500 {
				ae.Message = ae.Message[:500] + "…"
			}
		}
		return ae
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("ingest: decode answer of %s %s: %w", method, path, err)
		}
	}
	return nil
}
