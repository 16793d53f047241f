// The wall feature's bit of script (loaded on every page; does nothing where its elements are absent).
