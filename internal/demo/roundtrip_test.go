package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/regua/regua/internal/date"
	"github.com/regua/regua/internal/demo"
	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/importer"
	"github.com/regua/regua/internal/store"
)

// recorder is the import side of a store that keeps what the importer
// hands it, so the test sees the parsed rows themselves.
type recorder struct {
	rows    []store.ImportRow
	runs    []store.ImportRun
	rejects []store.Reject
}

func (m *recorder) ApplyImport(_ context.Context, _ domain.TenantID, _ int64, rows []store.ImportRow) (store.ImportCounts, error) {
	m.rows = append(m.rows, rows...)
	return store.ImportCounts{Inserted: len(rows)}, nil
}

func (m *recorder) StartImportRun(_ context.Context, _ domain.TenantID, r store.ImportRun) (store.ImportRun, error) {
	r.ID = int64(len(m.runs) + 1)
	m.runs = append(m.runs, r)
	return r, nil
}

func (m *recorder) FinishImportRun(_ context.Context, _ domain.TenantID, r store.ImportRun, rejects []store.Reject) error {
	m.runs[r.ID-1] = r
	m.rejects = rejects
	return nil
}

func (m *recorder) ImportRun(_ context.Context, _ domain.TenantID, id int64) (store.ImportRun, []store.Reject, error) {
	return m.runs[id-1], m.rejects, nil
}

func (m *recorder) ImportRuns(context.Context, domain.TenantID, int) ([]store.ImportRun, error) {
	return m.runs, nil
}

// TestImportRoundTrip imports WriteCSV's output with the real importer and
// compares every parsed row with the row Generate gives for that line.
func TestImportRoundTrip(t *testing.T) {
	asOf := date.New(2026, 11, 24)
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	opts := demo.Options{Seed: 11, Debtors: 600, AsOf: asOf}
	var want []store.ImportRow
	if err := demo.Generate(opts, func(r demo.Row) error { want = append(want, r.ImportRow); return nil }); err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := demo.WriteCSV(&csv, opts); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	sum, err := importer.Run(context.Background(), rec, 1, 1, &csv, importer.Options{
		FileName: "demo.csv", BatchSize: 250, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 0 || len(rec.rejects) != 0 {
		t.Fatalf("importer rejected %d rows: %v", sum.Rejected, rec.rejects)
	}
	if sum.Read != len(want) || len(rec.rows) != len(want) {
		t.Fatalf("importer read %d rows and applied %d, Generate gave %d", sum.Read, len(rec.rows), len(want))
	}
	bad := 0
	for i, got := range rec.rows {
		// The importer stamps opt-outs with its clock; Generate leaves the
		// time to whoever loads the rows.
		got.Contacts = append([]domain.ContactPoint(nil), got.Contacts...)
		for k := range got.Contacts {
			if got.Contacts[k].Consent == domain.ConsentOptOut && !got.Contacts[k].ConsentAt.Equal(now) {
				t.Errorf("line %d: opt-out at %v, want the import clock", got.Line, got.Contacts[k].ConsentAt)
			}
			got.Contacts[k].ConsentAt = time.Time{}
		}
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want[i]); g != w {
			if bad++; bad <= 5 {
				t.Errorf("row %d differs:\nimported  %s\ngenerated %s", i, g, w)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d rows differ", bad, len(want))
	}
}
