package pix

// The BR Code checksum is CRC-16/CCITT-FALSE: polynomial 0x1021, initial
// value 0xFFFF, no reflection, no final XOR. It covers the whole payload up
// to and including "6304" (ID and length of the CRC field itself).
//
// The CRC is most of the cost of encoding, so it runs eight bytes at a
// time ("slicing by 8"): crcTables[k][x] is the register contribution of
// byte x followed by k zero bytes.

var crcTables = func() (t [8][256]uint16) {
	for i := range t[0] {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 8; k++ {
		for i := range t[k] {
			c := t[k-1][i]
			t[k][i] = c<<8 ^ t[0][c>>8]
		}
	}
	return t
}()

// CRC16 returns the CRC-16/CCITT-FALSE of b.
func CRC16(b []byte) uint16 {
	return crcUpdate(0xFFFF, b)
}

func crcUpdate(crc uint16, b []byte) uint16 {
	t := &crcTables
	for len(b) >= 8 {
		crc = t[7][b[0]^byte(crc>>8)] ^ t[6][b[1]^byte(crc)] ^
			t[5][b[2]] ^ t[4][b[3]] ^ t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
		b = b[8:]
	}
	for _, x := range b {
		crc = crc<<8 ^ t[0][byte(crc>>8)^x]
	}
	return crc
}

// crc16Bytewise is the plain one-byte-at-a-time form, kept as the
// reference the sliced form is tested against.
func crc16Bytewise(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, x := range b {
		crc = crc<<8 ^ crcTables[0][byte(crc>>8)^x]
	}
	return crc
}

// crc16String is CRC16 over a string.
func crc16String(s string) uint16 {
	return crcUpdate(0xFFFF, []byte(s))
}

const hexUpper = "0123456789ABCDEF"

// appendCRCHex appends crc as four upper-case hex digits, the form the BR
// Code manual prints (e.g. "1D3D").
func appendCRCHex(dst []byte, crc uint16) []byte {
	return append(dst, hexUpper[crc>>12], hexUpper[crc>>8&0xF], hexUpper[crc>>4&0xF], hexUpper[crc&0xF])
}
