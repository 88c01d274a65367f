"""What routing really cost: ledgers in, estimate against actual out (product.md §12)."""
