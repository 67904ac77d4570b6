"""Wire codecs: the simulator's results and errors as Amazon SQS puts them on the wire."""
