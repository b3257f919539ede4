"""Text -> typed records: articles, entities, figure claims and who-runs-what relations."""
