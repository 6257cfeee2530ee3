package hits

// Commits is the number of transactions the group has written.
func (s *Service) Commits() int64 { return s.commits.Load() }

// SetStatsLimit lowers the hits one statistics request reads until the
// returned function puts it back.
func SetStatsLimit(n int) (restore func()) {
	old := statsLimit
	statsLimit = n
	return func() { statsLimit = old }
}
