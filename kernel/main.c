// SPDX-License-Identifier: GPL-2.0
/*
 * mape: MAP-E (RFC 7597) netdevice, module init and exit only.
 */

#include <linux/module.h>

#include "device.h"

static int __init mape_init(void)
{
	int ret;

	ret = mape_device_init();
	if (ret)
		return ret;
	pr_info("MAP-E (RFC 7597) netdevice loaded\n");
	return 0;
}

static void __exit mape_exit(void)
{
	mape_device_uninit();
}

module_init(mape_init);
module_exit(mape_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MAP-E: Mapping of Address and Port with Encapsulation (RFC 7597)");
