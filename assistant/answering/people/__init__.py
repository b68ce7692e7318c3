"""Who-did-what questions answered from the people table the index keeps: asked.py reads the
question (the role in any of its wordings, the session, person or country it names, whether it
wants a list or a count), table.py reads the build's table (events, people merged across
articles, sessions by meaning), reply.py answers with a claim per person, each quoted, or
says what the articles name and refuses."""
