//go:build !unix

package offer

import "time"

func processCPU() time.Duration { return 0 }
