"""The question read: a follow-up made whole from the conversation, the kind of answer it
wants, its terms, and the event it names."""
