-- The control plane's shared state (internal/admin): the clock every process reads and the
-- generation that every control change (clock, fault rules, limits) advances. Every process checks
-- the generation along with the org version it reads for each request (store/control.go), so a
-- change made through one process is seen by the next request any other process answers. Not part
-- of a snapshot; a full reset returns it to real time.
CREATE TABLE control (
    id              INTEGER NOT NULL PRIMARY KEY,
    generation      BIGINT  NOT NULL,
    clock_offset_ms BIGINT  NOT NULL, -- added to real time while the clock runs
    clock_frozen    INTEGER NOT NULL, -- 1: the clock stands at clock_frozen_ms
    clock_frozen_ms BIGINT  NOT NULL
);

INSERT INTO control (id, generation, clock_offset_ms, clock_frozen, clock_frozen_ms) VALUES (1, 0, 0, 0, 0);
