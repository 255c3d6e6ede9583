package pix

// The BR Code checksum is CRC-16/CCITT-FALSE: polynomial 0x1021, initial
// value 0xFFFF, no reflection, no final XOR. It covers the whole payload up
// to and including "6304" (ID and length of the CRC field itself).

var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// CRC16 returns the CRC-16/CCITT-FALSE of b.
func CRC16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, x := range b {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^x]
	}
	return crc
}

// crc16String is CRC16 over a string without copying it.
func crc16String(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^s[i]]
	}
	return crc
}

const hexUpper = "0123456789ABCDEF"

// appendCRCHex appends crc as four upper-case hex digits, the form the BR
// Code manual prints (e.g. "1D3D").
func appendCRCHex(dst []byte, crc uint16) []byte {
	return append(dst, hexUpper[crc>>12], hexUpper[crc>>8&0xF], hexUpper[crc>>4&0xF], hexUpper[crc&0xF])
}
