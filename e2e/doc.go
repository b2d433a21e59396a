// Package e2e holds zcrm's end-to-end tests: they build the zcrm binary, start it on a free
// loopback port, drive it through its command line and over HTTP, and, where Node.js is on the
// machine, through Zoho's official Node.js SDK.
package e2e
