"""Domain operations: one module per rule. Each takes a session, the acting operator and
typed arguments, checks the rule, changes rows, writes its audit event and queues its
messages in the same transaction. Nothing here knows about HTTP."""
