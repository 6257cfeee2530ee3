package main

import (
	"os"
	"runtime/debug"
)

// Memory of the server. The screening index is most of what a server
// keeps (about 40 MB of heap for OFAC + UN), but building it from the
// store allocates about five times that in short-lived values, and Go's
// default collector lets the heap grow to twice what is live before it
// collects. Left alone, `manara serve` over OFAC + UN peaked at 157–175 MB
// of RSS and settled at 110–126 MB under load.

// steadyGCPercent is the collector's target in service when GOGC is not
// set: the heap may grow by half what is live before a collection. A
// screening allocates about 10 KB, so over a 40 MB index this collects
// every 2,000 or so screenings, a cost lost in the noise.
const steadyGCPercent = 50

// buildGCPercent is the target while the index is built, when nearly all
// that is allocated is garbage a moment later.
const buildGCPercent = 20

// duringIndexBuild tightens the collector for the index build, unless the
// operator chose GOGC or GOMEMLIMIT; the function it returns hands the
// build's garbage back to the system and sets the service target.
func duringIndexBuild() (done func()) {
	if operatorChoseGC() {
		return func() {}
	}
	debug.SetGCPercent(buildGCPercent)
	return func() {
		debug.SetGCPercent(steadyGCPercent)
		debug.FreeOSMemory()
	}
}

func operatorChoseGC() bool { return os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" }

// servingGCPercent is the collector's target the server runs at once its
// index is built, for the bench to measure the same (0: the operator's
// GOGC or GOMEMLIMIT, already in force).
func servingGCPercent() int {
	if operatorChoseGC() {
		return 0
	}
	return steadyGCPercent
}
