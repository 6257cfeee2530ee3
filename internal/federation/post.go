package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/manara-hub/manara/internal/core"
)

// errBadURL: a peer's URL that no request can be made of.
var errBadURL = errors.New("bad peer URL")

// httpStatusError is a peer's answer other than 200, with the start of
// its body.
type httpStatusError struct {
	code int
	body string
}

func (e httpStatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.body) }

// post sends one JSON body to a peer and returns its 200 answer, read up
// to limit bytes; any other status is an httpStatusError. ctx bounds the
// whole exchange, the answer's body included.
func (s *Service) post(ctx context.Context, url string, body io.Reader, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadURL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	res, err := s.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, limit))
	if res.StatusCode != http.StatusOK {
		return nil, httpStatusError{res.StatusCode, core.Clip(string(raw), 300)}
	}
	return raw, nil
}
