-- The request journal is a bounded record of recent requests, rewritten all the time: on
-- PostgreSQL it skips the write-ahead log (UNLOGGED), which makes its writes several times
-- cheaper; after a crash of the database server it starts empty.
ALTER TABLE request_journal SET UNLOGGED;
