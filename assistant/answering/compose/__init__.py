"""The Answer built once, as claims with their evidence (or a refusal with its reason), and
the plain text every face that wants text renders from it."""
