// SPDX-License-Identifier: GPL-2.0
/*
 * mape: MAP-E (RFC 7597) netdevice, module init and exit only.
 */

#include <linux/module.h>

#include "device.h"
#include "napt.h"
#include "netlink.h"

static int __init mape_init(void)
{
	int ret;

	ret = mape_rules_module_init();
	if (ret)
		return ret;
	ret = mape_napt_init();
	if (ret)
		goto err_rules;
	ret = mape_device_init();
	if (ret)
		goto err_napt;
	ret = mape_rcv_init();
	if (ret)
		goto err_device;
	ret = mape_genl_init();
	if (ret)
		goto err_rcv;
	pr_info("MAP-E (RFC 7597) netdevice loaded\n");
	return 0;

err_rcv:
	mape_rcv_uninit();
err_device:
	mape_device_uninit();
err_napt:
	mape_napt_uninit();
err_rules:
	mape_rules_module_exit();
	return ret;
}

static void __exit mape_exit(void)
{
	mape_genl_uninit();
	mape_rcv_uninit();
	mape_device_uninit();
	mape_napt_uninit();
	mape_rules_module_exit();
}

module_init(mape_init);
module_exit(mape_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MAP-E: Mapping of Address and Port with Encapsulation (RFC 7597)");
