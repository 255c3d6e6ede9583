package reconcile

// SetMinPart lowers the size from which a batch is booked in parts, so
// that tests with a few dozen payments book in parts; it returns the
// restore.
func SetMinPart(n int) func() {
	old := minPart
	minPart = n
	return func() { minPart = old }
}
