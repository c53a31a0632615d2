/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MAPE_DEVICE_H
#define _MAPE_DEVICE_H

#include <linux/netdevice.h>

/*
 * One mape netdevice is one MAP domain in one role. Its private state is
 * owned by the netdevice and freed by the core after ndo_uninit through
 * priv_destructor.
 */
struct mape_dev {
	struct net_device *dev;
};

int mape_device_init(void);
void mape_device_uninit(void);

#endif /* _MAPE_DEVICE_H */
