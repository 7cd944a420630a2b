"""Two-way sync between the cache and Bitrix24: pull, push (outbox), conflicts, the engine."""
