"""Tools for the content editors who keep the bot useful: the visitor report."""
