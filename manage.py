#!/usr/bin/env python
from niromp_site.__main__ import main

if __name__ == "__main__":
    main()
