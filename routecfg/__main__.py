from routecfg.cli import entry

entry()
