/** Links every page's footer carries; the legally required ones belong here. */
export const footerLinks: { to: string; label: string }[] = [];
