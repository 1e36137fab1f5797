"""`finlake parse KIND FILE`: the canonical rows finlake would store from one raw payload.

Each kind reads one provider payload through the same parser and quality gates the pipeline
uses, and returns the rows per dataset plus every rejected row with its reason. It is how a user
debugs a payload; nothing is written. Each source's contract (finlake.contracts) lists its kinds.
"""
