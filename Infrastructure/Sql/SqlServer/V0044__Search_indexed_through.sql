-- At every start the service indexes the tickets its search index does not know (those written before the index existed
-- or before it was rebuilt). It looked for them among all tickets each time, which at ten million tickets took minutes
-- before the service was ready; it now remembers the highest ticket id it has found the index whole up to, and looks only
-- past it. 0: the next start looks at every ticket once. A migration that rebuilds the index sets it back to 0.
INSERT INTO dbo.Sequences (Name, Value) VALUES (N'search-indexed', 0);
