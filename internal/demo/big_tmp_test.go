package demo

import (
	"bufio"
	"os"
	"testing"
	"time"
)

func TestBigTmp(t *testing.T) {
	if os.Getenv("DEMO_BIG") == "" {
		t.Skip()
	}
	f, _ := os.Create("/tmp/demo1m.csv")
	defer f.Close()
	st := time.Now()
	if err := WriteCSV(bufio.NewWriter(f), Options{Seed: 7, Debtors: 1000000, AsOf: benchAsOf}); err != nil {
		t.Fatal(err)
	}
	t.Log("csv", time.Since(st))
	st = time.Now()
	n := 0
	Generate(Options{Seed: 7, Debtors: 1000000, AsOf: benchAsOf}, func(Row) error { n++; return nil })
	t.Log("gen", n, time.Since(st), float64(n)/time.Since(st).Seconds())
}
