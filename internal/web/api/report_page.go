package api

import (
	"embed"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/manara-hub/manara/internal/lang"

	"github.com/manara-hub/manara/internal/core"
	"github.com/manara-hub/manara/internal/reports"
)

// The public reporting page, /report, in Arabic (right to left), French and
// English. It works without JavaScript: the inline script only solves the
// proof-of-work; without it, the server accepts a form whose challenge is
// old enough (reports.PoW.NoScriptDelay).

//go:embed pages/report.html
var pageFS embed.FS

var reportPage = template.Must(template.ParseFS(pageFS, "pages/report.html"))

var pageText = map[string]map[string]string{
	"en": {"title": "Report a cybercrime", "intro": "Tell us what happened. You may stay anonymous. Fields marked by your browser are required.",
		"category": "What kind of crime?", "narrative": "What happened, in your words", "when": "When did it happen?", "threat": "Someone's life is threatened",
		"losses": "Money lost", "amount": "Amount", "currency": "Currency", "method": "How you paid", "wallet": "Crypto wallet you paid to", "txhash": "Transaction hash",
		"suspect": "What you know of the other side", "names": "Names", "phones": "Phone numbers (separate with commas)", "emails": "E-mail addresses", "websites": "Websites",
		"handles": "Social media accounts", "accounts": "Bank accounts (IBAN)", "wallets": "Crypto wallets", "screenshot": "Screenshot (PNG, JPEG, WebP or PDF, up to 5 MB)",
		"contact": "Contact", "anonymous": "Report anonymously", "cname": "Your name", "cemail": "Your e-mail", "cphone": "Your phone",
		"consent": "I agree that the cybercrime unit processes this report and the data in it to investigate.", "send": "Send the report",
		"nojs": "Without JavaScript, please take at least half a minute to fill in the form before sending it.", "fix": "Please correct:",
		"thanks": "Thank you. Your report was received.", "receipt": "Receipt number", "secret": "Secret", "keep": "Write both down now: the secret is shown only once and you need both to follow your report."},
	"fr": {"title": "Signaler un acte de cybercriminalité", "intro": "Dites-nous ce qui s'est passé. Vous pouvez rester anonyme.",
		"category": "Quel type d'infraction ?", "narrative": "Ce qui s'est passé, avec vos mots", "when": "Quand cela s'est-il passé ?", "threat": "La vie de quelqu'un est menacée",
		"losses": "Argent perdu", "amount": "Montant", "currency": "Devise", "method": "Moyen de paiement", "wallet": "Portefeuille crypto destinataire", "txhash": "Hash de la transaction",
		"suspect": "Ce que vous savez de l'auteur", "names": "Noms", "phones": "Numéros de téléphone (séparés par des virgules)", "emails": "Adresses e-mail", "websites": "Sites web",
		"handles": "Comptes de réseaux sociaux", "accounts": "Comptes bancaires (IBAN)", "wallets": "Portefeuilles crypto", "screenshot": "Capture d'écran (PNG, JPEG, WebP ou PDF, 5 Mo au plus)",
		"contact": "Contact", "anonymous": "Signaler anonymement", "cname": "Votre nom", "cemail": "Votre e-mail", "cphone": "Votre téléphone",
		"consent": "J'accepte que l'unité de lutte contre la cybercriminalité traite ce signalement et ses données pour enquêter.", "send": "Envoyer le signalement",
		"nojs": "Sans JavaScript, prenez au moins une demi-minute pour remplir le formulaire avant de l'envoyer.", "fix": "Veuillez corriger :",
		"thanks": "Merci. Votre signalement a été reçu.", "receipt": "Numéro de récépissé", "secret": "Code secret", "keep": "Notez-les maintenant : le code secret n'est affiché qu'une fois et les deux sont nécessaires pour suivre votre signalement."},
	"ar": {"title": "التبليغ عن جريمة إلكترونية", "intro": "أخبرنا بما حدث. يمكنك البقاء مجهول الهوية.",
		"category": "ما نوع الجريمة؟", "narrative": "ماذا حدث، بكلماتك", "when": "متى حدث ذلك؟", "threat": "حياة شخص مهددة",
		"losses": "الأموال المفقودة", "amount": "المبلغ", "currency": "العملة", "method": "طريقة الدفع", "wallet": "المحفظة الرقمية التي دفعت إليها", "txhash": "معرّف المعاملة",
		"suspect": "ما تعرفه عن الطرف الآخر", "names": "الأسماء", "phones": "أرقام الهاتف (افصل بينها بفواصل)", "emails": "عناوين البريد الإلكتروني", "websites": "المواقع الإلكترونية",
		"handles": "حسابات التواصل الاجتماعي", "accounts": "الحسابات البنكية (IBAN)", "wallets": "المحافظ الرقمية", "screenshot": "لقطة شاشة (PNG أو JPEG أو WebP أو PDF، حتى 5 ميغابايت)",
		"contact": "التواصل", "anonymous": "التبليغ دون الكشف عن الهوية", "cname": "اسمك", "cemail": "بريدك الإلكتروني", "cphone": "هاتفك",
		"consent": "أوافق على أن تعالج وحدة مكافحة الجريمة الإلكترونية هذا التبليغ وبياناته لأغراض التحقيق.", "send": "إرسال التبليغ",
		"nojs": "بدون جافاسكريبت، يرجى أخذ نصف دقيقة على الأقل لملء الاستمارة قبل إرسالها.", "fix": "يرجى تصحيح ما يلي:",
		"thanks": "شكرًا. تم استلام تبليغك.", "receipt": "رقم الوصل", "secret": "الرمز السري", "keep": "دوّنهما الآن: الرمز السري يظهر مرة واحدة فقط وتحتاج إليهما معًا لتتبع تبليغك."},
}

var categoryText = map[string][]string{ // en, fr, ar per category, in reports.Categories order
	"online_fraud": {"Online fraud", "Escroquerie en ligne", "احتيال إلكتروني"}, "phishing": {"Phishing", "Hameçonnage", "تصيد احتيالي"},
	"investment_fraud": {"Investment or crypto fraud", "Fraude à l'investissement ou aux cryptomonnaies", "احتيال استثماري أو بالعملات الرقمية"},
	"romance_scam":     {"Romance scam", "Arnaque sentimentale", "احتيال عاطفي"}, "fake_shop": {"Fake shop", "Faux site marchand", "متجر وهمي"},
	"sextortion": {"Sextortion", "Sextorsion", "ابتزاز جنسي"}, "account_hacking": {"Account hacking or identity theft", "Piratage de compte ou usurpation d'identité", "قرصنة حساب أو انتحال هوية"},
	"threats_harassment": {"Threats or harassment", "Menaces ou harcèlement", "تهديد أو تحرش"}, "defamation": {"Defamation", "Diffamation", "تشهير"},
	"hate_speech": {"Hate speech", "Discours de haine", "خطاب كراهية"}, "scam_recruitment": {"Job offer or recruitment into a scam centre", "Offre d'emploi ou recrutement vers un centre d'escroquerie", "عرض عمل أو تجنيد في مركز احتيال"},
	"child_exploitation": {"Child sexual exploitation", "Exploitation sexuelle d'enfants", "استغلال جنسي للأطفال"}, "terrorism": {"Terrorism content", "Contenu terroriste", "محتوى إرهابي"},
	"illicit_trade": {"Illicit online trade", "Commerce illicite en ligne", "تجارة غير مشروعة عبر الإنترنت"}, "other": {"Other", "Autre", "أخرى"},
}

var methodText = map[string][]string{
	"card": {"Card", "Carte", "بطاقة"}, "transfer": {"Bank transfer", "Virement", "تحويل بنكي"}, "crypto": {"Crypto", "Cryptomonnaie", "عملة رقمية"},
	"cash": {"Cash", "Espèces", "نقدًا"}, "gift_card": {"Gift cards", "Cartes cadeaux", "بطاقات هدايا"}, "other": {"Other", "Autre", "أخرى"},
}

type option struct{ Value, Label string }

type pageData struct {
	Lang, Dir  string
	T          map[string]string
	Categories []option
	Methods    []option
	Challenge  reports.Challenge
	Errors     []core.FieldError
	Receipt    *reports.Receipt
}

// pageLang is ?lang= if known, else the browser's preference.
func pageLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); lang.Valid(l) {
		return l
	}
	return lang.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) pageData(code string) pageData {
	idx := map[string]int{"en": 0, "fr": 1, "ar": 2}[code]
	d := pageData{Lang: code, Dir: lang.Dir(code), T: pageText[code], Challenge: s.Reports.PoW.Issue(time.Now())}
	for _, c := range reports.Categories {
		d.Categories = append(d.Categories, option{c, categoryText[c][idx]})
	}
	for _, m := range reports.PaymentMethods {
		d.Methods = append(d.Methods, option{m, methodText[m][idx]})
	}
	return d
}

func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", d.Lang)
	w.WriteHeader(status)
	if err := reportPage.Execute(w, d); err != nil {
		s.Log.Error("report page", "error", err)
	}
}

func (s *Server) reportPageGet(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, http.StatusOK, s.pageData(pageLang(r)))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' || r == '،' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) reportPagePost(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(r)
	d := s.pageData(lang)
	v := core.Viewer{Remote: s.Remote(r)}
	fail := func(err error) {
		status := statusOf(core.ErrorCode(err))
		var e *core.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			d.Errors = e.Fields
		} else {
			d.Errors = []core.FieldError{{Field: "report", Reason: core.ErrorMessage(err)}}
		}
		s.renderPage(w, status, d)
	}
	if err := s.rateAllowed(w, &s.reportLimit, v, orDefault(s.ReportRate, DefaultReportRate), "reports"); err != nil {
		fail(err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxReportBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var max *http.MaxBytesError
		if errors.As(err, &max) {
			fail(core.Errorf(core.ETOOLARGE, "the form is larger than the limit of %d bytes", max.Limit))
		} else {
			// A part's header that is not text (a NUL in a file name)
			// ends here too.
			fail(&core.Error{Code: emalformed, Message: "the form could not be read",
				Fields: []core.FieldError{{Field: "form", Reason: "is not a well-formed form: " + err.Error()}}})
		}
		return
	}
	if err := CheckForm(r); err != nil {
		fail(err)
		return
	}
	f := r.FormValue
	in := reports.Input{Category: f("category"), Narrative: f("narrative"), OccurredAt: f("occurred_at"), Lang: lang,
		ThreatToLife: f("threat_to_life") != "", Anonymous: f("anonymous") != "", Consent: f("consent") != "",
		Suspect: core.Suspect{Names: splitList(f("names")), Phones: splitList(f("phones")), Emails: splitList(f("emails")), Websites: splitList(f("websites")),
			Handles: splitList(f("handles")), Accounts: splitList(f("accounts")), Wallets: splitList(f("wallets"))},
		PoW: reports.ProofOfWork{Challenge: f("challenge"), Counter: f("counter")}}
	if !in.Anonymous {
		in.Contact = &core.Contact{Name: f("contact_name"), Email: f("contact_email"), Phone: f("contact_phone")}
	}
	if a := f("amount"); a != "" || f("iban") != "" || f("wallet") != "" {
		amount, err := strconv.ParseFloat(strings.ReplaceAll(a, ",", "."), 64)
		if a != "" && err != nil {
			fail(core.Invalid(core.FieldError{Field: "amount", Reason: "must be a number"}))
			return
		}
		in.Losses = []core.Loss{{Amount: amount, Currency: f("currency"), Method: f("method"), IBAN: f("iban"), Wallet: f("wallet"), TxHash: f("tx_hash")}}
	}
	if file, hdr, err := r.FormFile("screenshot"); err == nil {
		b, err := io.ReadAll(io.LimitReader(file, reports.MaxAttachmentBytes+1))
		file.Close()
		if err != nil {
			fail(core.Errorf(core.EINVALID, "the screenshot could not be read"))
			return
		}
		if len(b) > 0 {
			in.Attachments = []reports.Attachment{{Name: hdr.Filename, Content: b}}
		}
	}
	rc, err := s.Reports.SubmitForm(r.Context(), v, in)
	if err != nil {
		fail(err)
		return
	}
	d.Receipt = rc
	s.renderPage(w, http.StatusCreated, d)
}

// reportPages registers the public reporting page.
func (s *Server) reportPages() {
	s.mux.Handle("GET /report", s.plain("/report", s.reportPageGet))
	s.mux.Handle("POST /report", s.plain("/report", s.reportPagePost))
}
