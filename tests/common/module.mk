# Unit tests of benchmarks/common.
$(eval $(call unit_test,common/test_parse,tests/common/test_parse.c))
$(eval $(call unit_test,common/test_stats,tests/common/test_stats.c))
$(eval $(call unit_test,common/test_record,tests/common/test_record.c))
$(eval $(call unit_test,common/test_hplmodel,tests/common/test_hplmodel.c))
