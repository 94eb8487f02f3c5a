"""Grid pages, one module per area. Views are thin: parse, call one selector or service, render."""
