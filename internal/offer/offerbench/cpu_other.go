//go:build !unix

package offerbench

import "time"

func processCPU() time.Duration { return 0 }
