"""LiteLLM as it really runs: walk, lint, model map, ledger callback."""
