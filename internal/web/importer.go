package web

import (
	"context"
	"io"
	"time"

	"github.com/regua/regua/internal/domain"
	"github.com/regua/regua/internal/importer"
	"github.com/regua/regua/internal/store"
)

// RunImporter is the ImportFunc over importer.Run: it streams r through
// the importer into st and returns the run it recorded (also for a file
// refused whole, whose run carries the reason). opt.FileName is set per
// upload; the rest of opt applies to every upload.
func RunImporter(st store.ImportStore, opt importer.Options) ImportFunc {
	return func(ctx context.Context, tenant domain.TenantID, portfolioID int64, fileName string, r io.Reader) (int64, error) {
		o := opt
		o.FileName = fileName
		sum, err := importer.Run(ctx, st, tenant, portfolioID, r, o)
		if err != nil && importer.IsRefused(err) && sum.RunID != 0 {
			// Refused files are an outcome to show, not a failure.
			return sum.RunID, nil
		}
		return sum.RunID, err
	}
}

// defaultImport is used when Config.Import is nil.
func defaultImport(st store.ImportStore, now func() time.Time) ImportFunc {
	return RunImporter(st, importer.Options{Now: now})
}
