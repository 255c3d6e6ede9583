package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
	"github.com/regua/regua/internal/taxid"
)

type portfoliosView struct {
	Portfolios []store.PortfolioSummary
	Creditors  []domain.Creditor
	Runs       []runView
	CanImport  bool
	MaxUpload  string
	Form       portfolioForm
	Error      string
}

type portfolioForm struct {
	Creditor, CreditorName, CreditorDocument, Name string
}

type runView struct {
	store.ImportRun
	Portfolio string
	Running   bool
}

func (s *Server) runViews(runs []store.ImportRun, ps []store.PortfolioSummary) []runView {
	names := map[int64]string{}
	for _, p := range ps {
		names[p.ID] = p.CreditorName + " · " + p.Name
	}
	out := make([]runView, 0, len(runs))
	for _, r := range runs {
		out = append(out, runView{ImportRun: r, Portfolio: names[r.PortfolioID], Running: r.FinishedAt.IsZero()})
	}
	return out
}

func (s *Server) portfolioPage(w http.ResponseWriter, r *http.Request, c *Ctx, status int, form portfolioForm, errMsg string) {
	ctx, t := r.Context(), c.Tenant()
	ps, err := s.st.Portfolios(ctx, t)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	cs, err := s.st.Creditors(ctx, t)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	runs, err := s.st.ImportRuns(ctx, t, 5)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	s.render(w, r, c, status, "portfolios", "portfolios.title", portfoliosView{
		Portfolios: ps, Creditors: cs, Runs: s.runViews(runs, ps),
		CanImport: s.cfg.Import != nil, MaxUpload: byteSize(s.cfg.MaxUpload),
		Form: form, Error: errMsg,
	})
}

func (s *Server) portfolios(w http.ResponseWriter, r *http.Request, c *Ctx) {
	s.portfolioPage(w, r, c, http.StatusOK, portfolioForm{}, "")
}

// createPortfolio adds a portfolio for an existing creditor or a new one.
// External ids come from what the user typed: the creditor's CNPJ when
// given (else its folded name), and the portfolio's folded name under it,
// so submitting the same form twice does not duplicate anything.
func (s *Server) createPortfolio(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx, t := r.Context(), c.Tenant()
	f := portfolioForm{
		Creditor:         r.PostFormValue("creditor"),
		CreditorName:     strings.TrimSpace(r.PostFormValue("creditor_name")),
		CreditorDocument: strings.TrimSpace(r.PostFormValue("creditor_document")),
		Name:             strings.TrimSpace(r.PostFormValue("name")),
	}
	bad := func(key string) { s.portfolioPage(w, r, c, http.StatusUnprocessableEntity, f, c.L.T(key)) }
	if f.Name == "" || utf8.RuneCountInString(f.Name) > 200 {
		bad("portfolios.err_name")
		return
	}
	var cred domain.Creditor
	if id, _ := strconv.ParseInt(f.Creditor, 10, 64); id > 0 {
		cs, err := s.st.Creditors(ctx, t)
		if err != nil {
			s.internal(w, r, c, err)
			return
		}
		for _, x := range cs {
			if x.ID == id {
				cred = x
			}
		}
		if cred.ID == 0 {
			s.notFound(w, r, c)
			return
		}
	} else {
		if f.CreditorName == "" || utf8.RuneCountInString(f.CreditorName) > 200 {
			bad("portfolios.err_creditor")
			return
		}
		cred = domain.Creditor{Name: f.CreditorName, ExtID: domain.NameKey(f.CreditorName)}
		if f.CreditorDocument != "" {
			id, err := taxid.ParseAs(taxid.CNPJ, f.CreditorDocument)
			if err != nil {
				bad("portfolios.err_cnpj")
				return
			}
			cred.Document, cred.ExtID = id.Number, id.Number
		}
		var err error
		if cred, err = s.st.UpsertCreditor(ctx, t, cred); err != nil {
			s.internal(w, r, c, err)
			return
		}
	}
	p, err := s.st.UpsertPortfolio(ctx, t, domain.Portfolio{CreditorID: cred.ID, Name: f.Name, ExtID: cred.ExtID + "/" + domain.NameKey(f.Name)})
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	s.log.Info("portfolio created", "tenant", t, "portfolio", p.ID, "user", c.User.ID)
	s.flash(w, "portfolio_saved")
	http.Redirect(w, r, "/portfolios", http.StatusSeeOther)
}

// upload streams an uploaded file part straight into the importer: the
// form sends the CSRF token first and the file last, so nothing but the
// multipart reader's small buffer sits between the browser and the CSV
// parser, whatever the file's size.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx, t := r.Context(), c.Tenant()
	pid := pathID(r, "id")
	if pid == 0 {
		s.notFound(w, r, c)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, c, http.StatusBadRequest, "error.bad_request")
		return
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != csrfField {
		s.fail(w, r, c, http.StatusForbidden, "error.csrf")
		return
	}
	tok, _ := io.ReadAll(io.LimitReader(part, 256))
	if !sameToken(string(tok), c.Session.CSRF) {
		s.fail(w, r, c, http.StatusForbidden, "error.csrf")
		return
	}
	if _, err := s.st.Portfolio(ctx, t, pid); err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	if s.cfg.Import == nil {
		s.fail(w, r, c, http.StatusServiceUnavailable, "imports.unavailable")
		return
	}
	var file *multipart.Part
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FormName() == "file" {
			file = p
			break
		}
	}
	if file == nil || file.FileName() == "" {
		s.flash(w, "no_file")
		http.Redirect(w, r, "/portfolios", http.StatusSeeOther)
		return
	}
	name := cleanFileName(file.FileName())
	s.log.Info("import: upload started", "tenant", t, "portfolio", pid, "file", name, "user", c.User.ID)
	runID, err := s.cfg.Import(ctx, t, pid, name, file)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, c, http.StatusRequestEntityTooLarge, "imports.too_large")
			return
		}
		if runID == 0 {
			s.internal(w, r, c, fmt.Errorf("import %q: %w", name, err))
			return
		}
		s.log.Warn("import: ended with an error", "tenant", t, "run", runID, "err", err)
	}
	http.Redirect(w, r, "/imports/"+strconv.FormatInt(runID, 10), http.StatusSeeOther)
}

// cleanFileName keeps the base name a browser sent, trimmed to something
// fit for a table cell.
func cleanFileName(n string) string {
	n = path.Base(strings.ReplaceAll(n, "\\", "/"))
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	if utf8.RuneCountInString(n) > 120 {
		n = string([]rune(n)[:120])
	}
	if n == "" || n == "." || n == "/" {
		n = "upload.csv"
	}
	return n
}

type importsView struct {
	Runs []runView
}

func (s *Server) imports(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx, t := r.Context(), c.Tenant()
	runs, err := s.st.ImportRuns(ctx, t, 200)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	ps, err := s.st.Portfolios(ctx, t)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	s.render(w, r, c, http.StatusOK, "imports", "imports.title", importsView{Runs: s.runViews(runs, ps)})
}

// maxRejectsShown caps the rejects table; the CSV download has them all.
const maxRejectsShown = 500

type importResultView struct {
	Run        runView
	Rejects    []store.Reject
	More       int
	Accepted   int
	DurationMS int64
}

func (s *Server) importResult(w http.ResponseWriter, r *http.Request, c *Ctx) {
	ctx, t := r.Context(), c.Tenant()
	run, rejects, err := s.st.ImportRun(ctx, t, pathID(r, "id"))
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	ps, err := s.st.Portfolios(ctx, t)
	if err != nil {
		s.internal(w, r, c, err)
		return
	}
	v := importResultView{Run: s.runViews([]store.ImportRun{run}, ps)[0], Rejects: rejects,
		Accepted: run.Inserted + run.Updated + run.Unchanged}
	if len(v.Rejects) > maxRejectsShown {
		v.More = len(v.Rejects) - maxRejectsShown
		v.Rejects = v.Rejects[:maxRejectsShown]
	}
	if !run.FinishedAt.IsZero() {
		v.DurationMS = run.FinishedAt.Sub(run.StartedAt).Milliseconds()
	}
	s.render(w, r, c, http.StatusOK, "import", "import.title", v)
}

// rejectsCSV downloads every refused line of a run, to fix and re-import.
func (s *Server) rejectsCSV(w http.ResponseWriter, r *http.Request, c *Ctx) {
	run, rejects, err := s.st.ImportRun(r.Context(), c.Tenant(), pathID(r, "id"))
	if err != nil {
		s.storeErr(w, r, c, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="rejects-%d.csv"`, run.ID))
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write([]string{c.L.T("import.line"), c.L.T("import.column"), c.L.T("import.reason")})
	for _, rj := range rejects {
		cw.Write([]string{strconv.Itoa(rj.Line), rj.Column, csvSafe(rj.Reason)})
	}
	cw.Flush()
}

// csvSafe defuses cells a spreadsheet would run as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}

func itoa(n int) string { return strconv.Itoa(n) }
