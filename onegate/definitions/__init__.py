"""Service definitions: services as versioned data (questions, rules, messages)."""
