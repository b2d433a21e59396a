// Package bench is zcrm's load benchmark: it creates a fresh database, loads an org-sized dataset
// straight through SQL, serves zcrm in-process on a loopback port and drives real HTTP requests at
// it, scenario by scenario. Each scenario is reported next to a ceiling measured in the same run on
// the same machine — a bare net/http handler for reads, the scenario's own SQL writes issued
// directly through database/sql for writes — so the ratios stay meaningful when absolute numbers
// drift. It also times zcrm's start to a healthy /healthz and reads the peak resident memory.
// It never touches a database it did not create.
package bench
