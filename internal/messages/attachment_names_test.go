package messages

import (
	"errors"
	"testing"

	"github.com/manara-hub/manara/internal/core"
)

// TestAttachmentNameControls: a message attachment whose name carries a
// control or format character is refused on its name (a right-to-left
// override shows "invoice\u202Efdp.exe" to the other bureau as
// "invoiceexe.pdf"; a line break or a tab splits the name it reads), as
// are slashes; a name in any script is taken as written.
func TestAttachmentNameControls(t *testing.T) {
	post := func(name string) *Post {
		return &Post{Type: core.MsgGeneral, Body: "the file you asked for", Attachments: []Attachment{{Name: name, Data: []byte("%PDF-1.7")}}}
	}
	for _, name := range []string{"invoice\u202Efdp.exe", "warrant\r\nfinal.pdf", "a\tb.pdf", "zero\u200bwidth.pdf", "nul\x00.pdf", "../x.pdf", `dir\x.pdf`} {
		err := post(name).Validate("")
		var ce *core.Error
		if !errors.As(err, &ce) || ce.Code != core.EINVALID || len(ce.Fields) != 1 || ce.Fields[0].Field != "attachments[0].name" {
			t.Errorf("attachment named %q: %v; want one error on attachments[0].name", name, err)
		}
	}
	for _, name := range []string{"مذكرة توقيف.pdf", "relevé 2026.pdf", "報告.pdf"} {
		if err := post(name).Validate(""); err != nil {
			t.Errorf("attachment named %q: %v; want it taken", name, err)
		}
	}
}
