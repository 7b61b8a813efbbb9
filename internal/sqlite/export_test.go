package sqlite

// BatchStats returns how many batches the writer committed and how many
// writes they held.
func (s *Store) BatchStats() (batches, writes int64) {
	return s.w.nBatches.Load(), s.w.nOps.Load()
}
