package notices

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/manara-hub/manara/internal/audit"
	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/files"
)

// MaxAttachments is the most attachments one notice may have: far more
// than a notice's photos and documents, yet few enough for every read of
// the notice to list them all.
const MaxAttachments = 50

// Attachment roles.
const (
	RolePhoto    = "photo"
	RoleDocument = "document"
)

// AttachmentLimit is the most bytes one attachment may have:
// MaxAttachmentBytes, or DefaultMaxAttachmentBytes if that is not set.
func (s *Service) AttachmentLimit() int64 {
	if s.MaxAttachmentBytes <= 0 {
		return DefaultMaxAttachmentBytes
	}
	return s.MaxAttachmentBytes
}

// Attach stores a photo or document of a notice, up to MaxAttachments of
// them. Only its owner may, while the notice has not ended and is not a
// request awaiting its reviewer's decision. The type is sniffed from the
// bytes: JPEG, PNG and WebP images, PDF documents; role photo needs an
// image.
func (s *Service) Attach(ctx context.Context, v core.Viewer, id, name, role string, content []byte) (*core.Attachment, error) {
	const action = "notice.attach"
	max := s.AttachmentLimit()
	if int64(len(content)) > max {
		return nil, s.refuse(ctx, v, action, &core.Error{Code: core.ETOOLARGE, Message: fmt.Sprintf("the attachment is %d bytes; the limit is %d", len(content), max),
			Fields: []core.FieldError{{Field: "file", Reason: fmt.Sprintf("must be at most %d bytes", max)}}}, id)
	}
	if len(content) == 0 {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "file", Reason: "is empty"}), id)
	}
	ct, ok := files.Sniff(content)
	if !ok {
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "file",
			Reason: fmt.Sprintf("its bytes are %s, whatever its name says; attach JPEG, PNG or WebP photos, or PDF documents", ct)}), id)
	}
	image := strings.HasPrefix(ct, "image/")
	switch role {
	case "":
		role = RoleDocument
		if image {
			role = RolePhoto
		}
	case RolePhoto:
		if !image {
			return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "role", Reason: "a photo must be a JPEG, PNG or WebP image, not " + ct}), id)
		}
	case RoleDocument:
	default:
		return nil, s.refuse(ctx, v, action, core.Invalid(core.FieldError{Field: "role", Reason: "must be photo or document"}), id)
	}
	sum := sha256.Sum256(content)
	a := &core.Attachment{ID: uuid.Must(uuid.NewV7()).String(), NoticeID: id, Name: files.CleanName(name), ContentType: ct, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), Role: role, CreatedAt: s.now(), CreatedBy: v.ActorName(), Content: content}
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		// Locked before anything is read: uploads running at once would
		// each count the bytes without the others' and all fit, and a
		// cancellation committing meanwhile would not be seen.
		if err := tx.LockNotice(id); err != nil {
			return loadError(err)
		}
		n, r, err := load(tx, v, id)
		if err != nil {
			return err
		}
		if err := ownerOnly(v, r); err != nil {
			return err
		}
		// A request being decided changes no more than through Update:
		// the reviewer would otherwise publish a file it never saw.
		switch st := State(n, r); st {
		case core.NoticeSubmitted, core.NoticeUnderReview:
			return core.Errorf(core.ECONFLICT, "the request is %s: it cannot change until the reviewer decides", strings.ReplaceAll(st, "_", " "))
		case core.NoticeCancelled, core.NoticeExpired:
			return core.Errorf(core.ECONFLICT, "the notice is %s: nothing more can be attached", st)
		}
		// Bounded in number as well as in bytes: every read of the notice
		// lists all of its attachments.
		existing, err := tx.Attachments(id)
		if err != nil {
			return err
		}
		if len(existing) >= MaxAttachments {
			return &core.Error{Code: core.ETOOLARGE, Message: fmt.Sprintf("the notice has %d attachments; the limit is %d", len(existing), MaxAttachments),
				Fields: []core.FieldError{{Field: "file", Reason: fmt.Sprintf("has %d files; at most %d", len(existing)+1, MaxAttachments),
					Code: "too_many_files", Params: []string{strconv.Itoa(len(existing) + 1), strconv.Itoa(MaxAttachments)}}}}
		}
		used, err := tx.AttachmentBytes(id)
		if err != nil {
			return err
		}
		total := s.MaxNoticeAttachments
		if total <= 0 {
			total = DefaultMaxNoticeAttachment
		}
		if used+a.Size > total {
			return &core.Error{Code: core.ETOOLARGE, Message: fmt.Sprintf("the notice's attachments would total %d bytes; the limit is %d", used+a.Size, total),
				Fields: []core.FieldError{{Field: "file", Reason: "the notice has no room left for it"}}}
		}
		stored := *a
		if s.AttachmentDir != "" {
			// Written before the row: a failed transaction leaves at most
			// an unreferenced file, never a row without its bytes.
			if err := s.writeFile(a); err != nil {
				return err
			}
			stored.Content = []byte{}
		}
		if err := tx.InsertAttachment(&stored); err != nil {
			return err
		}
		if r.Status == core.StatusActive {
			if err := tx.InsertEvent(circulating(EventUpdated, n, r, a.CreatedAt, map[string]any{"change": "attachment", "attachment_id": a.ID, "role": role})); err != nil {
				return err
			}
		}
		return audit.Append(tx, audit.Entry(v, action, audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, action, err, id)
	}
	a.Content = nil
	return a, nil
}

// Attachment returns one attachment, with its content, of a notice v may
// see; of a notice v may not see, it is not found.
func (s *Service) Attachment(ctx context.Context, v core.Viewer, id, aid string) (*core.Attachment, error) {
	var a *core.Attachment
	err := s.Store.Update(ctx, func(tx core.Tx) error {
		if _, _, err := load(tx, v, id); err != nil {
			return err
		}
		var err error
		a, err = tx.GetAttachment(id, aid)
		if err != nil {
			return err
		}
		if err := s.readFile(a); err != nil {
			return err
		}
		return audit.Append(tx, audit.Entry(v, "notice.attachment.read", audit.OK, id))
	})
	if err != nil {
		return nil, s.refuse(ctx, v, "notice.attachment.read", err, id)
	}
	return a, nil
}

// filePath is where an attachment's bytes live in AttachmentDir.
func (s *Service) filePath(sum string) string {
	return filepath.Join(s.AttachmentDir, sum[:2], sum)
}

// writeFile stores content under its hash, durably: a temporary file,
// synced, then renamed into place. The same bytes are stored once.
func (s *Service) writeFile(a *core.Attachment) error {
	path := s.filePath(a.SHA256)
	// A file that no longer hashes to its name was damaged: the upload
	// would be acknowledged yet unreadable, so it is written over. One
	// that is intact is made new again, or SweepOrphans could take an
	// old orphan of the same bytes away under this upload; if it is gone
	// by then (being swept), it is written anew.
	if intact(path, a.SHA256) {
		now := time.Now()
		if err := os.Chtimes(path, now, now); err == nil {
			return nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("attachment folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return fmt.Errorf("attachment folder: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(a.Content); err != nil {
		tmp.Close()
		return fmt.Errorf("attachment folder: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("attachment folder: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("attachment folder: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// intact tells whether the file at path exists and its bytes hash to sum.
func intact(path, sum string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == sum
}

// readFile fills in the bytes of an attachment kept in AttachmentDir, and
// checks they are still the ones stored.
func (s *Service) readFile(a *core.Attachment) error {
	if len(a.Content) > 0 || a.Size == 0 {
		return nil
	}
	if s.AttachmentDir == "" || len(a.SHA256) < 2 {
		return core.Errorf(core.EUNAVAILABLE, "the attachment's bytes are kept in an attachment folder this server is not configured with")
	}
	b, err := os.ReadFile(s.filePath(a.SHA256))
	if err != nil {
		return core.Errorf(core.EUNAVAILABLE, "the attachment's file cannot be read")
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != a.SHA256 {
		return core.Errorf(core.EINTERNAL, "the attachment's file was altered")
	}
	a.Content = b
	return nil
}
