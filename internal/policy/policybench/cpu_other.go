//go:build !unix

package policybench

import "time"

func processCPU() time.Duration { return 0 }
