package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/store"
)

const (
	samplePath     = "../../testdata/sample-portfolio.csv"
	sampleBadPath  = "../../testdata/sample-portfolio-with-errors.csv"
	sampleRows     = 27
	sampleDebtors  = 16
	sampleDebts    = 16
	sampleBadRows  = 38
	sampleRejected = 11
)

// TestImportTwice: the second import of the same file changes nothing.
func TestImportTwice(t *testing.T) {
	tg := openTarget(t)
	s, err := tg.runFile(t, samplePath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != sampleRows || s.Inserted != sampleRows || s.Updated != 0 || s.Unchanged != 0 || s.Rejected != 0 {
		t.Fatalf("first import: %+v %v", s.ImportCounts, s.Rejects)
	}
	counts := func() [4]int {
		return [4]int{tg.count(t, "debtors"), tg.count(t, "debts"), tg.count(t, "installments"), tg.count(t, "contact_points")}
	}
	first := counts()
	if first[0] != sampleDebtors || first[1] != sampleDebts || first[2] != sampleRows {
		t.Fatalf("stored %v", first)
	}
	events := tg.count(t, "events")
	s, err = tg.runFile(t, samplePath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != 0 || s.Updated != 0 || s.Unchanged != sampleRows {
		t.Errorf("second import: %+v", s.ImportCounts)
	}
	if got := counts(); got != first {
		t.Errorf("rows after the second import %v, want %v", got, first)
	}
	if got := tg.count(t, "events"); got != events {
		t.Errorf("events %d after the second import, want %d", got, events)
	}
	runs, err := tg.db.ImportRuns(context.Background(), tg.tenant, 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %+v %v", runs, err)
	}
	for _, r := range runs {
		if r.FinishedAt.IsZero() || r.Read != sampleRows || r.Error != "" || r.FileName != "sample-portfolio.csv" {
			t.Errorf("run %+v", r)
		}
	}
}

// TestChangedValues: a changed amount or due date updates the row and
// writes a "changed" event with old and new values.
func TestChangedValues(t *testing.T) {
	tg := openTarget(t)
	orig, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tg.run(t, string(orig), Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(orig), "\n")
	// Line 2: José, CC-100200300 installment 1, 10/09/2026, 1.500,00.
	lines[1] = strings.Replace(lines[1], ";10/09/2026;1.500,00;", ";10/09/2026;1.650,00;", 1)
	// Line 3: the same debt's installment 2 moves to 15/10/2026.
	lines[2] = strings.Replace(lines[2], ";10/10/2026;", ";15/10/2026;", 1)
	s, err := tg.run(t, strings.Join(lines, "\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Updated != 2 || s.Inserted != 0 || s.Unchanged != sampleRows-2 {
		t.Fatalf("counts %+v", s.ImportCounts)
	}
	ctx := context.Background()
	found, err := tg.db.SearchDebtors(ctx, tg.tenant, "90712381481", date.New(2026, 11, 24), 5)
	if err != nil || len(found) != 1 {
		t.Fatalf("search: %v %v", found, err)
	}
	v, err := tg.db.Debtor360(ctx, tg.tenant, found[0].ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var changes []domain.Change
	for _, e := range v.Events {
		if e.Kind != domain.EventChanged {
			continue
		}
		var data struct{ Changes []domain.Change }
		if err := json.Unmarshal(e.Data, &data); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, data.Changes...)
	}
	want := map[string][2]string{
		"installment 1 amount":   {"1500.00", "1650.00"},
		"installment 2 due_date": {"2026-10-10", "2026-10-15"},
	}
	if len(changes) != len(want) {
		t.Fatalf("changes %+v", changes)
	}
	for _, c := range changes {
		if w, ok := want[c.Field]; !ok || c.Old != w[0] || c.New != w[1] {
			t.Errorf("change %+v, want %v", c, want)
		}
	}
	for _, d := range v.Debts {
		for _, in := range d.Installments {
			if in.Number == 1 && in.Amount != 165000 || in.Number == 2 && in.DueDate != date.New(2026, 10, 15) {
				t.Errorf("installment %+v", in)
			}
		}
	}
}

// TestRejectFile: rejects go to the reject file, the summary and the run;
// the good rows of the same file are stored.
func TestRejectFile(t *testing.T) {
	tg := openTarget(t)
	var rej bytes.Buffer
	s, err := tg.runFile(t, sampleBadPath, Options{RejectFile: &rej})
	if err != nil {
		t.Fatal(err)
	}
	if s.Read != sampleBadRows || s.Rejected != sampleRejected || s.Inserted != sampleBadRows-sampleRejected {
		t.Fatalf("summary %+v", s)
	}
	if tg.count(t, "installments") != sampleBadRows-sampleRejected {
		t.Errorf("installments %d", tg.count(t, "installments"))
	}
	if !bytes.HasPrefix(rej.Bytes(), []byte("\ufeff")) {
		t.Error("reject file without byte-order mark")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(rej.Bytes(), []byte("\ufeff"))))
	r.Comma = ';'
	r.FieldsPerRecord = 4
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(s.Rejects)+1 || strings.Join(recs[0], ";") != "line;column;reason;original" {
		t.Fatalf("reject file has %d records for %d rejects: %q", len(recs), len(s.Rejects), recs[0])
	}
	orig, _ := os.ReadFile(sampleBadPath)
	lines := strings.Split(string(orig), "\n")
	for i, rec := range recs[1:] {
		want := s.Rejects[i]
		if rec[0] != strconv.Itoa(want.Line) || rec[1] != want.Column || rec[2] != want.Reason || rec[3] != lines[want.Line-1] {
			t.Errorf("reject file line %d = %q, want %+v and the original line", i+2, rec, want)
		}
	}
	run, rejects, err := tg.db.ImportRun(context.Background(), tg.tenant, s.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Rejected != sampleRejected || run.Read != sampleBadRows || len(rejects) != len(s.Rejects) || rejects[0] != s.Rejects[0] {
		t.Errorf("run %+v, %d rejects", run, len(rejects))
	}
	if !strings.Contains(s.String(), "rejected              11") || !strings.Contains(s.String(), "line 14, cpf_cnpj: invalid CPF/CNPJ") {
		t.Errorf("summary text:\n%s", s)
	}
}

// TestRejectCap keeps MaxRejectsKept rejects in memory and writes all of them.
func TestRejectCap(t *testing.T) {
	rows := []map[string]string{}
	for range 20 {
		rows = append(rows, with("valor_parcela", "x"))
	}
	var rej bytes.Buffer
	m := &memStore{}
	s, err := Run(context.Background(), m, 1, 1, strings.NewReader(csvOf(rows...)), Options{MaxRejectsKept: 5, RejectFile: &rej, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rejected != 20 || len(s.Rejects) != 5 || s.RejectsDropped != 15 || len(m.rejects) != 5 {
		t.Errorf("rejected %d kept %d dropped %d stored %d", s.Rejected, len(s.Rejects), s.RejectsDropped, len(m.rejects))
	}
	if n := strings.Count(rej.String(), "\n"); n != 21 {
		t.Errorf("reject file has %d lines", n)
	}
	rej.Reset()
	if _, err := Run(context.Background(), m, 1, 1, strings.NewReader(csvOf(baseRow())), Options{RejectFile: &rej, Now: fixedNow}); err != nil || rej.Len() != 0 {
		t.Errorf("clean import wrote %q to the reject file (%v)", rej.String(), err)
	}
}

// TestBatchesAndProgress: batches follow debts when the file is grouped by
// contract; progress reaches the file's size.
func TestBatchesAndProgress(t *testing.T) {
	f, err := os.Open(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	var seen []Progress
	m := &memStore{keep: true}
	var batches [][]store.ImportRow
	st := &batchRecorder{memStore: m, batches: &batches}
	s, err := Run(context.Background(), st, 1, 1, f, Options{BatchSize: 4, Now: fixedNow, Progress: func(p Progress) { seen = append(seen, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Inserted != sampleRows || len(m.rows) != sampleRows {
		t.Fatalf("%+v", s)
	}
	for i, b := range batches {
		if len(b) > 6 {
			t.Errorf("batch %d has %d rows, more than 1.5 × 4", i, len(b))
		}
		if i+1 < len(batches) && b[len(b)-1].Debt.ContractNumber == batches[i+1][0].Debt.ContractNumber {
			t.Errorf("batch %d splits debt %s", i, b[len(b)-1].Debt.ContractNumber)
		}
	}
	last := seen[len(seen)-1]
	if !last.Done || last.Rows != sampleRows || last.Bytes != fi.Size() || last.Total != fi.Size() {
		t.Errorf("last progress %+v (size %d)", last, fi.Size())
	}
	for i := 1; i < len(seen); i++ {
		if seen[i].Rows < seen[i-1].Rows || seen[i].Bytes < seen[i-1].Bytes {
			t.Errorf("progress went back: %+v after %+v", seen[i], seen[i-1])
		}
	}
}

type batchRecorder struct {
	*memStore
	batches *[][]store.ImportRow
}

func (b *batchRecorder) ApplyImport(ctx context.Context, ten domain.TenantID, p int64, rows []store.ImportRow) (store.ImportCounts, error) {
	*b.batches = append(*b.batches, append([]store.ImportRow(nil), rows...))
	return b.memStore.ApplyImport(ctx, ten, p, rows)
}

// TestRefusedRecorded: a refused file stores nothing but its run.
func TestRefusedRecorded(t *testing.T) {
	tg := openTarget(t)
	s, err := tg.run(t, "PK\x03\x04 not a csv", Options{FileName: "carteira.xlsx"})
	if !IsRefused(err) {
		t.Fatalf("err %v", err)
	}
	if tg.count(t, "debtors") != 0 || tg.count(t, "installments") != 0 {
		t.Error("rows stored from a refused file")
	}
	run, _, err := tg.db.ImportRun(context.Background(), tg.tenant, s.RunID)
	if err != nil || !strings.Contains(run.Error, "Excel") || run.FileName != "carteira.xlsx" {
		t.Errorf("run %+v %v", run, err)
	}
}

// failingStore fails the n-th batch.
type failingStore struct {
	memStore
	failAt int
}

func (f *failingStore) ApplyImport(ctx context.Context, ten domain.TenantID, p int64, rows []store.ImportRow) (store.ImportCounts, error) {
	if f.batches+1 == f.failAt {
		f.batches++
		return store.ImportCounts{}, errors.New("disk full")
	}
	return f.memStore.ApplyImport(ctx, ten, p, rows)
}

// TestStoreError stops at the failing batch and records why.
func TestStoreError(t *testing.T) {
	var b bytes.Buffer
	writeGenCSV(&b, 500, 3)
	st := &failingStore{failAt: 3}
	s, err := Run(context.Background(), st, 1, 1, &b, Options{BatchSize: 100, Now: fixedNow})
	if err == nil || !strings.Contains(err.Error(), "disk full") || IsRefused(err) {
		t.Fatalf("err %v", err)
	}
	if s.Batches != 2 || s.Inserted < 200 || s.Inserted > 300 {
		t.Errorf("summary %+v", s)
	}
	if r := st.runs[0]; !strings.Contains(r.Error, "disk full") || r.FinishedAt.IsZero() || r.Inserted != s.Inserted {
		t.Errorf("run %+v", r)
	}
}

// TestCancel stops when ctx is cancelled and still records the run.
func TestCancel(t *testing.T) {
	var b bytes.Buffer
	writeGenCSV(&b, 2000, 4)
	ctx, cancel := context.WithCancel(context.Background())
	m := &memStore{}
	s, err := Run(ctx, m, 1, 1, &b, Options{BatchSize: 100, Now: fixedNow, Progress: func(p Progress) {
		if p.Rows >= 300 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if s.Read >= 2000 || m.runs[0].Error == "" || m.runs[0].FinishedAt.IsZero() {
		t.Errorf("summary %+v run %+v", s, m.runs[0])
	}
}

func TestTerminalProgress(t *testing.T) {
	var b bytes.Buffer
	p := TerminalProgress(&b)
	p(Progress{Rows: 1500, Bytes: 50, Total: 100, Elapsed: time.Second})
	p(Progress{Rows: 1600, Bytes: 60, Total: 100, Elapsed: time.Second}) // too soon: skipped
	p(Progress{Rows: 3000, Rejected: 2, Bytes: 100, Total: 100, Elapsed: 2 * time.Second, Done: true})
	want := "\r[###############               ]  50% 1,500 rows, 0 rejected, 1,500 rows/s " +
		"\r[##############################] 100% 3,000 rows, 2 rejected, 1,500 rows/s \n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
