from routecfg.entry import main

main()
