package hits

// Commits is the number of transactions the group has written.
func (s *Service) Commits() int64 { return s.commits.Load() }
