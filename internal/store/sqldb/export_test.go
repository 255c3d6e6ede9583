package sqldb

// SetCopyThreshold lets tests send every booking insert through COPY.
func SetCopyThreshold(n int) (restore func()) {
	old := copyThreshold
	copyThreshold = n
	return func() { copyThreshold = old }
}
