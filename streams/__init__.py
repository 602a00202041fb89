"""dozor's stream side: the Faust app, topics, agents, state, and the command line."""
