import sys

from routecfg.cli import main

sys.exit(main())
