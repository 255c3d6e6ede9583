// Package importer loads portfolio files (carteiras) into a store: CSV as
// Brazilian creditors export them, one row per installment (parcela) with
// its debt (dívida, by contract number) and debtor (devedor, by CPF/CNPJ or
// the creditor's customer id). The columns are documented in
// docs/import-format.md; Columns lists their canonical names.
//
// # Use
//
//	f, _ := os.Open("carteira.csv")
//	sum, err := importer.Run(ctx, st, tenant, portfolioID, f, importer.Options{
//		FileName:   "carteira.csv",
//		RejectFile: rejects,                           // optional io.Writer
//		Progress:   importer.TerminalProgress(os.Stderr), // optional
//	})
//	if importer.IsRefused(err) { /* not a CSV, or no usable header: nothing stored */ }
//	fmt.Print(sum) // rows read, inserted, updated, unchanged, rejected, time
//
// Run reads the file once, streaming, and never holds it: memory is bounded
// by the batch size (Options.BatchSize rows, 5,000 by default, at most three
// batches alive: one being filled, one queued, one being written) and by the
// rejects kept for the summary (Options.MaxRejectsKept, 10,000 by default;
// past it rejects are only counted and written to Options.RejectFile).
// Parsing runs in its own goroutine beside the store writes.
//
// # What it detects
//
//   - Encoding: a byte-order mark (UTF-8, UTF-16) decides; otherwise the first
//     64 KiB are UTF-8 if valid (or if well-formed UTF-8 sequences outnumber
//     the bytes that are not), else Windows-1252 (the superset of ISO-8859-1
//     that Excel writes). Options.Encoding overrides. A record that is not
//     valid UTF-8 in a file read as UTF-8 is decoded as Windows-1252.
//   - Delimiter: the most frequent of ; tab , | outside quotes in the header
//     line, or Excel's "sep=;" first line. Options.Delimiter overrides.
//   - Header names: canonical pt-BR names and their es/en aliases, compared
//     after folding case, accents and punctuation ("Data de Vencimento" =
//     "vencimento"). A Mapping ({"column in file": "canonical name"})
//     explains other names; columns it maps to "-" or that nothing knows are
//     ignored (listed in Summary.IgnoredColumns).
//   - Values: amounts as 1.234,56 / 1234.56 / R$ 1.234,56; dates as
//     dd/mm/aaaa or aaaa-mm-dd; CPFs and CNPJs with or without punctuation
//     or leading zeros; phones in any Brazilian form (to E.164).
//
// # What it refuses
//
// A row with a bad value is rejected with its line number, column and
// reason; the other rows go on. So is a row repeating an installment of the
// contract rows just before it (in other places the last row of a key wins:
// the store upserts). A file that is empty, binary (ZIP/Excel,
// PDF, NUL bytes), has no delimiter in its first line, or lacks a required
// column is refused as a whole with one *RefusedError: no row is stored, and
// the run is recorded with the reason.
//
// # Crash safety
//
// Each batch is one store transaction (store.ImportStore.ApplyImport), and
// rows upsert by external ids. A crash leaves the committed batches; running
// the same file again inserts the rest and leaves the rest unchanged.
// Batches are cut where the contract number changes (up to 1.5 × BatchSize)
// so that files grouped by contract commit whole debts.
package importer
