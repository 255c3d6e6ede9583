// Package qr draws a Pix BR Code as a QR code image, PNG or SVG, using
// github.com/skip2/go-qrcode for the symbol itself. Error correction is
// level M (15 %), what PSPs print on Pix codes: it survives a smudge on
// paper without making the symbol too dense for a phone camera.
package qr

import (
	"bytes"
	"fmt"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"
)

// quietZone is the white border around the symbol, in modules, that the
// QR standard asks for (four modules).
const quietZone = 4

// Modules returns the symbol of payload as rows of dark (true) and light
// modules, including the quiet zone.
func Modules(payload string) ([][]bool, error) {
	q, err := symbol(payload)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}

func symbol(payload string) (*qrcode.QRCode, error) {
	if payload == "" {
		return nil, fmt.Errorf("qr: empty payload")
	}
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	return q, nil
}

// PNG draws payload as a black-on-white PNG of size×size pixels. When size
// is too small for the symbol, the image is made as small as keeps one
// whole pixel per module. size <= 0 picks 8 pixels per module.
func PNG(payload string, size int) ([]byte, error) {
	q, err := symbol(payload)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		size = -8
	}
	return q.PNG(size)
}

// SVG draws payload as a scalable image: one path of dark runs on a white
// square, moduleSize user units per module (4 when <= 0). The path merges
// horizontal runs of dark modules, which keeps a version 10 symbol under
// 20 KB and renders without hairline gaps.
func SVG(payload string, moduleSize int) ([]byte, error) {
	bm, err := Modules(payload)
	if err != nil {
		return nil, err
	}
	if moduleSize <= 0 {
		moduleSize = 4
	}
	n := len(bm)
	side := strconv.Itoa(n * moduleSize)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="` + side + `" height="` + side + `" viewBox="0 0 ` + strconv.Itoa(n) + " " + strconv.Itoa(n) + `" shape-rendering="crispEdges">` + "\n")
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>` + "\n")
	b.WriteString(`<path fill="#000" d="`)
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/>` + "\n</svg>\n")
	return b.Bytes(), nil
}
